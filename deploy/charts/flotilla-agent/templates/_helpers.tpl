{{/* The name of the chart's objects: the release name, or release-chart when the release name lacks the chart's. */}}
{{- define "flotilla-agent.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "flotilla-agent.serviceAccountName" -}}
{{- .Values.serviceAccount.name | default (include "flotilla-agent.fullname" .) -}}
{{- end -}}

{{- define "flotilla-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "flotilla-agent.labels" -}}
{{ include "flotilla-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: agent
app.kubernetes.io/part-of: flotilla
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "flotilla-agent.credentialSecretName" -}}
{{- if .Values.credential.token -}}
{{- printf "%s-join-token" (include "flotilla-agent.fullname" .) -}}
{{- else -}}
{{- required "set credential.token (the join token) or credential.existingSecret.name" .Values.credential.existingSecret.name -}}
{{- end -}}
{{- end -}}

{{/* The subject every binding grants to: the agent's ServiceAccount. */}}
{{- define "flotilla-agent.subject" -}}
- kind: ServiceAccount
  name: {{ include "flotilla-agent.serviceAccountName" . }}
  namespace: {{ .Release.Namespace }}
{{- end -}}
