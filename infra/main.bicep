// The whole bot for `azd up`: the Functions app (Flex Consumption), the companion and Lavalink (Container Apps),
// storage, Key Vault, monitoring and a registry, in one resource group per azd environment.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region for every resource; Flex Consumption and Container Apps must both be offered there.')
param location string

@description('Object id of the person or pipeline running azd: gets Key Vault Secrets Officer to rotate the two secrets, and Storage Queue Data Contributor for the smoke check\'s probe. Empty: none.')
param principalId string = ''

@description('Discord application id (a snowflake), from the Developer Portal.')
param discordApplicationId string

@description('Hex Ed25519 public key of the application, from the Developer Portal (64 hexadecimal characters).')
@minLength(64)
@maxLength(64)
param discordPublicKey string

@secure()
@minLength(1)
@description('Bot token. Stored only in Key Vault; both services read it through a Key Vault reference.')
param discordBotToken string

@secure()
@minLength(16)
@description('Lavalink\'s lavalink.server.password. Stored only in Key Vault.')
param lavalinkPassword string

@allowed([512, 2048, 4096])
@description('Memory of one Flex Consumption instance (MB).')
param functionInstanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Most Flex Consumption instances at once (40 is the least Flex allows). Also sets the share of Discord\'s limits each process takes while storage is down.')
param functionMaximumInstanceCount int = 40

@description('The companion\'s image, set by azd after its first deploy. Empty on the first provision: a placeholder runs until azd deploys the real one.')
param companionImageName string = ''

@description('Lavalink 4.2 or later (4.2.0 is the first with DAVE, which Discord requires).')
param lavalinkImage string = 'ghcr.io/lavalink-devs/lavalink:4'

@description('E-mail address every alert goes to (the action group\'s one receiver). Empty: the group has no receiver until one is added.')
param alertEmailAddress string = ''

@minValue(1)
@description('Discord 429 responses in 5 minutes above which the 429-spike alert fires.')
param rateLimitSpikeThreshold int = 20

var tags = { 'azd-env-name': environmentName }
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: group
  params: {
    name: 'id-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    logAnalyticsName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${resourceToken}'
    identityPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: group
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    discordBotToken: discordBotToken
    lavalinkPassword: lavalinkPassword
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: group
  params: {
    name: 'cr${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: group
  params: {
    planName: 'plan-${resourceToken}'
    name: 'func-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'functions' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    discordApplicationId: discordApplicationId
    discordPublicKey: discordPublicKey
    discordBotTokenSecretUri: keyVault.outputs.discordBotTokenSecretUri
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
  }
}

module containerApps 'modules/containerapps.bicep' = {
  name: 'containerapps'
  scope: group
  params: {
    environmentName: 'cae-${resourceToken}'
    companionName: 'ca-companion-${resourceToken}'
    lavalinkName: 'ca-lavalink-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsName: monitoring.outputs.logAnalyticsName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryLoginServer: registry.outputs.loginServer
    storageAccountName: storage.outputs.name
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    discordApplicationId: discordApplicationId
    discordBotTokenSecretUri: keyVault.outputs.discordBotTokenSecretUri
    lavalinkPasswordSecretUri: keyVault.outputs.lavalinkSecretUri
    companionImageName: companionImageName
    lavalinkImage: lavalinkImage
    // Every process that calls Discord with the token: the Function App's scale-out, the companion, an ops run.
    expectedDiscordCallers: functionMaximumInstanceCount + 2
  }
  // The companion pulls its image and reads its secrets as the identity: using the registry's and the vault's
  // outputs also waits for their modules' role assignments.
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: group
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    actionGroupName: 'ag-${resourceToken}'
    webTestName: 'healthz-${resourceToken}'
    location: location
    tags: tags
    functionAppUrl: functionApp.outputs.url
    alertEmailAddress: alertEmailAddress
    rateLimitSpikeThreshold: rateLimitSpikeThreshold
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: group
  params: {
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    location: location
    tags: tags
    displayName: 'Discord bot: operations (${environmentName})'
  }
}

// Read by azd (registry, resource group) and by the hooks and the ops CLI (app URL, names).
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_ENVIRONMENT_NAME string = containerApps.outputs.environmentName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = functionApp.outputs.url
output COMPANION_APP_NAME string = containerApps.outputs.companionName
output LAVALINK_APP_NAME string = containerApps.outputs.lavalinkName
// The workbook an operator opens first (docs/telemetry.md): portal → Application Insights → Workbooks, or this id.
output OPERATIONS_WORKBOOK_ID string = workbook.outputs.id
output OPERATIONS_WORKBOOK_NAME string = workbook.outputs.name
output ALERT_ACTION_GROUP_ID string = alerts.outputs.actionGroupId
