// What pages an operator: one action group, a standard availability test on /api/healthz, and one alert rule per
// runbook signal, thresholds from the seed SLOs (availability ≥ 99.5 %, command p95 < 1.5 s, failure rate < 1 %).
// Every rule's description names the runbook section to open; docs/telemetry.md lists them with their queries.
param applicationInsightsName string
param actionGroupName string
param webTestName string
param location string
param tags object
@description('https://<function app host>, without a trailing slash.')
param functionAppUrl string
@description('Where alerts are e-mailed. Empty: the action group exists with no receiver (add one in the portal).')
param alertEmailAddress string
@description('Discord 429 responses in 5 minutes above which the rate-limit alert fires.')
param rateLimitSpikeThreshold int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'botalerts'
    enabled: true
    emailReceivers: empty(alertEmailAddress) ? [] : [
      {
        name: 'operator'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

// Anonymous /api/healthz: 503 when storage is down, 200 `degraded` or `ok` otherwise (runbook, "Health probe").
resource webTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: webTestName
  location: location
  // The portal shows a web test under the component only with this link.
  tags: union(tags, { 'hidden-link:${applicationInsights.id}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: webTestName
    Name: webTestName
    Description: 'GET /api/healthz of the function app: 200 unless storage is unreachable.'
    Enabled: true
    Kind: 'standard'
    Frequency: 300
    Timeout: 30
    RetryEnabled: true
    Locations: [
      { Id: 'us-va-ash-azr' }
      { Id: 'us-ca-sjc-azr' }
      { Id: 'emea-nl-ams-azr' }
      { Id: 'emea-gb-db3-azr' }
      { Id: 'apac-sg-sin-azr' }
    ]
    Request: {
      RequestUrl: '${functionAppUrl}/api/healthz'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

// The SLO: 5 locations every 5 minutes is 1,440 results a day, so 99.5 % allows 7 failures; a shorter window would
// page on a single lost probe. The outage alert below catches a real outage within minutes.
resource availabilitySlo 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${webTestName}-slo'
  location: 'global'
  tags: tags
  properties: {
    description: 'Availability of /api/healthz below 99.5 % over 24 h (SLO). Runbook: docs/runbook.md#health-probe'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT1H'
    windowSize: 'P1D'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'availability'
          metricNamespace: 'microsoft.insights/components'
          metricName: 'availabilityResults/availabilityPercentage'
          dimensions: [
            {
              name: 'availabilityResult/name'
              operator: 'Include'
              values: [webTest.name]
            }
          ]
          operator: 'LessThan'
          threshold: json('99.5')
          timeAggregation: 'Average'
        }
      ]
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}

resource availabilityOutage 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${webTestName}-outage'
  location: 'global'
  tags: tags
  properties: {
    description: '/api/healthz failing from 3 of 5 locations: the app or storage is down. Runbook: docs/runbook.md#health-probe'
    severity: 1
    enabled: true
    scopes: [webTest.id, applicationInsights.id]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: webTest.id
      componentId: applicationInsights.id
      failedLocationCount: 3
    }
    actions: [
      { actionGroupId: actionGroup.id }
    ]
  }
}

// Application Insights exports a histogram as sum, count, min and max per minute (no buckets), so a percentile comes
// from `requests`: the endpoint's invocation span carries the Command dimension; a refused request (bad signature,
// malformed body) has no command and is left out, as are the queue hops ("process …").
resource commandLatency 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-command-p95'
  location: location
  tags: tags
  properties: {
    displayName: 'Command p95 above 1.5 s'
    description: 'p95 of interaction requests (bot.interaction.duration measures the same span) above 1.5 s over 15 min (SLO p95 < 1.5 s); Discord gives up at 3 s. Runbook: docs/runbook.md#users-see-this-interaction-failed'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
requests
| where isnotempty(tostring(customDimensions.Command)) and not(name startswith 'process ')
| summarize p95Ms = percentile(duration, 95) by bin(timestamp, 15m)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'p95Ms'
          operator: 'GreaterThan'
          threshold: 1500
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource failureRate 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-interaction-failure-rate'
  location: location
  tags: tags
  properties: {
    displayName: 'Interaction failure rate above 1 %'
    description: 'bot.interaction.duration with outcome failed above 1 % of interactions over 15 min (SLO < 1 %), once there are 20 or more. Runbook: docs/runbook.md#users-see-this-interaction-failed'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == 'bot.interaction.duration'
| summarize total = sum(valueCount), failed = sumif(valueCount, tostring(customDimensions.outcome) == 'failed') by bin(timestamp, 15m)
| where total >= 20
| extend failurePercent = 100.0 * failed / total
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failurePercent'
          operator: 'GreaterThan'
          threshold: 1
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource poisonMessages 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-poison-messages'
  location: location
  tags: tags
  properties: {
    displayName: 'A message in a poison queue'
    description: 'bot.queue.depth of any -poison queue above 0: work was given up after every retry. Runbook: docs/runbook.md#messages-in-interactions-poison'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == 'bot.queue.depth' and tostring(customDimensions.queue) endswith '-poison'
| summarize depth = max(value) by queue = tostring(customDimensions.queue), bin(timestamp, 5m)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'depth'
          dimensions: [
            { name: 'queue', operator: 'Include', values: ['*'] }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource rateLimitSpike 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-discord-429-spike'
  location: location
  tags: tags
  properties: {
    displayName: 'Discord 429 spike'
    description: 'discord.rest.rate_limited summed over 5 min above the threshold: the limiter is losing races or another process shares the token. Runbook: docs/runbook.md#discord-429s-and-the-invalid-request-budget'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == 'discord.rest.rate_limited'
| summarize responses = sum(value) by bin(timestamp, 5m)
'''
          timeAggregation: 'Total'
          metricMeasureColumn: 'responses'
          operator: 'GreaterThan'
          threshold: rateLimitSpikeThreshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource invalidRequestBudget 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-invalid-request-budget'
  location: location
  tags: tags
  properties: {
    displayName: 'Invalid-request budget over half'
    description: 'discord.rest.invalid_requests above 5,000 of the 10,000 that Discord allows in 10 min before a temporary IP ban. Runbook: docs/runbook.md#discord-429s-and-the-invalid-request-budget'
    severity: 1
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where name == 'discord.rest.invalid_requests'
| summarize used = max(value) by bin(timestamp, 5m)
'''
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'used'
          operator: 'GreaterThan'
          threshold: 5000
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

// Count rules: the query returns a row only while the signal is bad, so "no sample at all" can fire too (a dead
// companion sends nothing). `summarize count()` with no `by` returns one row even over no input.
resource shardStopped 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-gateway-shard-stopped'
  location: location
  tags: tags
  properties: {
    displayName: 'Gateway shard stopped'
    description: 'discord.gateway.shard_state 0 (stopped) for 5 min, or no shard state for 10 min: slash commands work, voice and music do not. Runbook: docs/runbook.md#companion-voice-and-music'
    severity: 1
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
let states = customMetrics | where timestamp > ago(10m) and name == 'discord.gateway.shard_state';
let stopped = states
    | where timestamp > ago(5m)
    | summarize highest = max(value) by shard = tostring(customDimensions.shard)
    | where highest == 0
    | project shard, reason = 'stopped for 5 min';
let silent = states | summarize samples = count() | where samples == 0 | project shard = 'all', reason = 'no sample for 10 min';
union stopped, silent
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource heartbeatStale 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-companion-heartbeat-stale'
  location: location
  tags: tags
  properties: {
    displayName: 'Companion heartbeat stale'
    description: 'bot.companion.heartbeat_age above 120 s, or no sample for 10 min (the Functions app samples it, so a dead companion still shows). Runbook: docs/runbook.md#companion-voice-and-music'
    severity: 1
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT10M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where timestamp > ago(10m) and name == 'bot.companion.heartbeat_age'
| summarize samples = count(), recentAgeSeconds = maxif(value, timestamp > ago(5m))
| where samples == 0 or recentAgeSeconds > 120
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

resource lavalinkDown 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-lavalink-down'
  location: location
  tags: tags
  properties: {
    displayName: 'Lavalink down'
    description: 'lavalink.node_state 0 (down) for 5 min: /music answers that music is unavailable. Runbook: docs/runbook.md#music-lavalink-states'
    severity: 2
    enabled: true
    scopes: [applicationInsights.id]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '''
customMetrics
| where timestamp > ago(5m) and name == 'lavalink.node_state'
| summarize samples = count(), highest = max(value)
| where samples > 0 and highest == 0
'''
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: { actionGroups: [actionGroup.id] }
  }
}

output actionGroupId string = actionGroup.id
output webTestName string = webTest.name
