// The companion (gateway, voice, the `voice` queue) and Lavalink in one Container Apps environment. The companion
// owns the gateway session, so exactly one replica runs; Lavalink is reachable only inside the environment.
param environmentName string
param companionName string
param lavalinkName string
param location string
param tags object
param logAnalyticsName string
param identityId string
param identityClientId string
param registryLoginServer string
param storageAccountName string
param applicationInsightsConnectionString string
param discordApplicationId string
param discordBotTokenSecretUri string
param lavalinkPasswordSecretUri string
param companionImageName string
param lavalinkImage string
param expectedDiscordCallers int

// Until azd deploys the companion's image, a public placeholder keeps the first provision healthy.
var placeholderImage = 'mcr.microsoft.com/k8se/quickstart:latest'
var hasCompanionImage = !empty(companionImageName)
var companionPort = 8080
var lavalinkPort = 2333

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsName
}

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

resource lavalink 'Microsoft.App/containerApps@2024-03-01' = {
  name: lavalinkName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: false
        targetPort: lavalinkPort
        transport: 'http'
      }
      secrets: [
        { name: 'lavalink-password', keyVaultUrl: lavalinkPasswordSecretUri, identity: identityId }
      ]
    }
    template: {
      containers: [
        {
          name: 'lavalink'
          image: lavalinkImage
          resources: { cpu: json('1.0'), memory: '2Gi' }
          // deploy/lavalink/application.yml, as Spring Boot environment variables.
          env: [
            { name: 'SERVER_PORT', value: string(lavalinkPort) }
            { name: 'SERVER_ADDRESS', value: '0.0.0.0' }
            { name: 'LAVALINK_SERVER_PASSWORD', secretRef: 'lavalink-password' }
            { name: 'LAVALINK_PLUGINS_0_DEPENDENCY', value: 'dev.lavalink.youtube:youtube-plugin:1.18.2' }
            { name: 'LAVALINK_SERVER_SOURCES_YOUTUBE', value: 'false' }
            { name: 'LAVALINK_SERVER_SOURCES_SOUNDCLOUD', value: 'true' }
            { name: 'LAVALINK_SERVER_SOURCES_BANDCAMP', value: 'true' }
            { name: 'LAVALINK_SERVER_SOURCES_TWITCH', value: 'true' }
            { name: 'LAVALINK_SERVER_SOURCES_VIMEO', value: 'true' }
            // Off: the http source follows redirects to any address (see application.yml).
            { name: 'LAVALINK_SERVER_SOURCES_HTTP', value: 'false' }
            { name: 'LAVALINK_SERVER_SOURCES_LOCAL', value: 'false' }
            { name: 'LAVALINK_SERVER_PLAYERUPDATEINTERVAL', value: '5' }
            { name: 'LAVALINK_SERVER_TRACKSTUCKTHRESHOLDMS', value: '10000' }
            { name: 'PLUGINS_YOUTUBE_ENABLED', value: 'true' }
            { name: 'PLUGINS_YOUTUBE_ALLOWSEARCH', value: 'true' }
            { name: 'PLUGINS_YOUTUBE_CLIENTS_0', value: 'MUSIC' }
            { name: 'PLUGINS_YOUTUBE_CLIENTS_1', value: 'ANDROID_VR' }
            { name: 'PLUGINS_YOUTUBE_CLIENTS_2', value: 'WEB' }
            { name: 'PLUGINS_YOUTUBE_CLIENTS_3', value: 'WEBEMBEDDED' }
          ]
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

resource companion 'Microsoft.App/containerApps@2024-03-01' = {
  name: companionName
  location: location
  tags: union(tags, { 'azd-service-name': 'companion' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      // No ingress: nothing outside calls the companion; its /healthz serves the readiness probe.
      registries: [
        { server: registryLoginServer, identity: identityId }
      ]
      secrets: [
        { name: 'lavalink-password', keyVaultUrl: lavalinkPasswordSecretUri, identity: identityId }
      ]
    }
    template: {
      // SIGTERM, then this long: the companion needs 15 s to close the gateway resumably and save its sessions.
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'companion'
          image: hasCompanionImage ? companionImageName : placeholderImage
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: [
            { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
            { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
            { name: 'Discord__ApplicationId', value: discordApplicationId }
            // Read from Key Vault by the companion itself, so a rotated token is picked up after a 4004 without a restart.
            { name: 'Discord__BotTokenSecretUri', value: discordBotTokenSecretUri }
            { name: 'Discord__KeyVaultClientId', value: identityClientId }
            { name: 'Discord__RateLimits__ExpectedInstances', value: string(expectedDiscordCallers) }
            { name: 'Lavalink__Url', value: 'https://${lavalink.properties.configuration.ingress.fqdn}' }
            { name: 'Lavalink__Password', secretRef: 'lavalink-password' }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
            // Local auth is off on Application Insights: the exporter signs in as the identity (Monitoring Metrics Publisher).
            { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD;ClientId=${identityClientId}' }
          ]
          // Readiness only: a restart cannot fix a refused token and would spend identifies (README, companion).
          // The placeholder image does not serve /healthz, so the probe starts with the real image.
          probes: hasCompanionImage ? [
            {
              type: 'Readiness'
              httpGet: {
                path: '/healthz'
                port: companionPort
              }
              periodSeconds: 10
              failureThreshold: 3
            }
          ] : []
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 1
      }
    }
  }
}

output environmentName string = environment.name
output companionName string = companion.name
output lavalinkName string = lavalink.name
