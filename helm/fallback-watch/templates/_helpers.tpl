{{/*
Chart name, shortened to the 63 characters a label value may have.
*/}}
{{- define "fallback-watch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name. A release already named after the chart is not repeated.
*/}}
{{- define "fallback-watch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "fallback-watch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels that never change over a release's life: Deployment selectors are immutable.
*/}}
{{- define "fallback-watch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fallback-watch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "fallback-watch.labels" -}}
helm.sh/chart: {{ include "fallback-watch.chart" . }}
{{ include "fallback-watch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "fallback-watch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fallback-watch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fallback-watch.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
Stops rendering when no database is configured: the service would otherwise try to start its embedded
PostgreSQL, which cannot run on a read-only root filesystem and would lose its data with the pod.
*/}}
{{- define "fallback-watch.requireDatabase" -}}
{{- $database := coalesce .Values.database.url .Values.database.existingSecret }}
{{- $message := print "fallback-watch needs an external PostgreSQL: set database.url"
      " (with database.username and database.password) or database.existingSecret" }}
{{- $_ := required $message $database }}
{{- if not .Values.database.existingSecret }}
{{- $_ = required "database.username is required when database.existingSecret is empty" .Values.database.username }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the database credentials: the operator's, or the chart's own.
*/}}
{{- define "fallback-watch.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "fallback-watch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the admin API key, or nothing when no key is configured.
*/}}
{{- define "fallback-watch.adminKeySecretName" -}}
{{- if .Values.adminKey.existingSecret }}
{{- .Values.adminKey.existingSecret }}
{{- else if .Values.adminKey.value }}
{{- printf "%s-admin-key" (include "fallback-watch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{/*
The Secret holding the key that encrypts webhook secrets: the given existing one, the chart's own when a value is
given, else none.
*/}}
{{- define "fallback-watch.webhookKeySecretName" -}}
{{- if .Values.webhookEncryptionKey.existingSecret }}
{{- .Values.webhookEncryptionKey.existingSecret }}
{{- else if .Values.webhookEncryptionKey.value }}
{{- printf "%s-webhook-key" (include "fallback-watch.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
