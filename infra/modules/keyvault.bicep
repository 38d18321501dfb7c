// Key Vault (RBAC) with the two secrets. Apps read them through references as the managed identity; nothing else
// holds their values. Purge protection stays off so `azd down --purge` can remove the vault.
param name string
param location string
param tags object
param identityPrincipalId string
param operatorPrincipalId string

@secure()
param discordBotToken string

@secure()
param lavalinkPassword string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource botToken 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'discord-bot-token'
  properties: { value: discordBotToken }
}

resource lavalinkSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'lavalink-password'
  properties: { value: lavalinkPassword }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identityPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// The operator rotates the secrets (docs/deploy.md) without a redeploy.
resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: operatorPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
  }
}

output name string = vault.name
// Versionless URIs: a new secret version is picked up on the next restart, without a redeploy.
output discordBotTokenSecretUri string = botToken.properties.secretUri
output lavalinkSecretUri string = lavalinkSecret.properties.secretUri
