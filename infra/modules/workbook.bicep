// The workbook an operator opens first: every metric of docs/telemetry.md as a chart, and the failures. The JSON lives
// in infra/workbook.json (edit it in the portal's Advanced Editor and paste it back); its queries run against the
// Application Insights resource substituted for the placeholder.
param applicationInsightsName string
param location string
param tags object
param displayName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; this one is stable per component, so a redeploy updates it in place.
  name: guid(applicationInsights.id, 'operator-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: applicationInsights.id
    version: 'Notebook/1.0'
    serializedData: replace(loadTextContent('../workbook.json'), '__APPLICATION_INSIGHTS_ID__', applicationInsights.id)
  }
}

output id string = workbook.id
output name string = workbook.name
