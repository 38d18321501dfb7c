// The Functions app on Flex Consumption (FC1): .NET 10 isolated worker on Linux, one always-ready instance for the
// HTTP group so Discord's 3-second deadline holds after idle. App settings: exactly the keys the code reads (README,
// "Configuration"), storage by managed identity, the bot token as a Key Vault reference.
param planName string
param name string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsConnectionString string
param discordApplicationId string
param discordPublicKey string
param discordBotTokenSecretUri string
param instanceMemoryMB int
param maximumInstanceCount int

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve as the user-assigned identity, not a system identity the app does not have.
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: [
          {
            name: 'http'
            instanceCount: 1
          }
        ]
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'Discord__ApplicationId', value: discordApplicationId }
        { name: 'Discord__PublicKey', value: discordPublicKey }
        // Read by the app itself (latest version, as the identity), so a new secret version is picked up after the
        // first 401 without a restart; a Key Vault reference would be resolved only when the platform restarts the app.
        { name: 'Discord__BotTokenSecretUri', value: discordBotTokenSecretUri }
        { name: 'Discord__KeyVaultClientId', value: identityClientId }
        // Every process that may call Discord with the token: this app's scale-out, the companion, an ops run.
        { name: 'Discord__RateLimits__ExpectedInstances', value: string(maximumInstanceCount + 2) }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        // Local auth is off on Application Insights: the host and the worker's exporter send telemetry with the identity's token.
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
      ]
    }
  }
}

output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
