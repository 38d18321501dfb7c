// The bot's storage: queues and tables the code uses (created here, not at first use), the Functions host's blobs and
// the Flex deployment container. Shared keys are off: everything signs in as the managed identity.
param name string
param location string
param tags object
param deploymentContainerName string
param identityPrincipalId string
@description('The person or pipeline running azd: may put the smoke check\'s probe on a queue. Empty: none.')
param operatorPrincipalId string = ''

// Serverless.Storage.Queues.QueueNames.Work and their -poison twins. Tests compare this with the code.
var queueNames = [
  'interactions'
  'interactions-poison'
  'posts'
  'posts-poison'
  'voice'
  'voice-poison'
  'projections'
  'projections-poison'
]

// The tables of src/Storage (TableName / *Table constants). Tests compare this with the code.
var tableNames = [
  'interactionruns'
  'ratelimits'
  'scheduledposts'
  'scheduledpostsdue'
  'guildsettings'
  'gatewaysessions'
  'companion'
  'musicsessions'
  'operatorcontrols'
  'operatoraudit'
  'commandlimits'
  'projections'
  'duels'
  'raids'
  'hall'
  'pairs'
  'oracle'
]

var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource tableResources 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

// The Functions host keeps its keys and timer/singleton leases in blobs it creates and manages on AzureWebJobsStorage,
// which needs Owner (Contributor cannot manage the leases); the same role reads and writes the deployment container.
resource blobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, storageBlobDataOwner)
  scope: account
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
  }
}

// Queue triggers read and delete; enqueues and the -poison moves add.
resource queueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, storageQueueDataContributor)
  scope: account
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityPrincipalId, storageTableDataContributor)
  scope: account
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
  }
}

// `bot-ops smoke` (azd's postdeploy hook) puts a no-op probe on `interactions` as the deploying principal and
// watches it drained; shared keys are off, so it signs in like the apps do.
resource operatorQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(account.id, operatorPrincipalId, storageQueueDataContributor)
  scope: account
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
  }
}

output name string = account.name
output deploymentContainerUrl string = '${account.properties.primaryEndpoints.blob}${deploymentContainer.name}'
