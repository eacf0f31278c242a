{{/* The release's base name, at most 50 characters so "<fullname>-accounting" stays a DNS label. */}}
{{- define "panosc.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "panosc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: panosc
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "pdp") */}}
{{- define "panosc.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The five services: `panosc serve` name -> module name and mount path. */}}
{{- define "panosc.services" -}}
registry: {module: federation-registry, mount: /registry}
aai: {module: aai-broker, mount: /aai}
pdp: {module: policy-decision-point, mount: /pdp}
broker: {module: resource-broker, mount: /broker}
accounting: {module: metrics-accounting, mount: /accounting}
{{- end -}}

{{- define "panosc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* In-cluster base URL of a service: (dict "root" $ "name" "aai") */}}
{{- define "panosc.internalUrl" -}}
{{- printf "http://%s-%s.%s.svc:8080" (include "panosc.fullname" .root) .name .root.Release.Namespace -}}
{{- end -}}

{{- define "panosc.cnpgName" -}}
{{- printf "%s-db" (include "panosc.fullname" .) -}}
{{- end -}}

{{- define "panosc.dbSecret" -}}
{{- if .Values.cnpg.enabled -}}{{ printf "%s-app" (include "panosc.cnpgName" .) }}{{- else -}}{{ .Values.database.existingSecret }}{{- end -}}
{{- end -}}

{{- define "panosc.kekSecret" -}}
{{- default (printf "%s-kek" (include "panosc.fullname" .)) .Values.keys.existingSecret -}}
{{- end -}}

{{/* database.url with ${PANOSC_DB_USER}/${PANOSC_DB_PASSWORD}, expanded by panosc from the Secret's env. */}}
{{- define "panosc.databaseUrl" -}}
{{- if .Values.cnpg.enabled -}}
{{- printf "postgresql://${PANOSC_DB_USER}:${PANOSC_DB_PASSWORD}@%s-rw.%s.svc:5432/panosc" (include "panosc.cnpgName" .) .Release.Namespace -}}
{{- else -}}
{{- $u := urlParse .Values.database.url -}}
{{- printf "postgresql://${PANOSC_DB_USER}:${PANOSC_DB_PASSWORD}@%s%s" $u.host $u.path -}}{{- if $u.query -}}?{{ $u.query }}{{- end -}}
{{- end -}}
{{- end -}}

{{/* Each service's singletons, run under leader election (eu.panosc.platform.leader): their Leases are
     <fullname>-<service>-<singleton>; keep in step with the services' Leadership.singleton(...) calls. */}}
{{- define "panosc.singletons" -}}
registry: [key-rotation]
aai: [key-rotation, purge]
pdp: [decision-log-purge, change-log-prune]
broker: [reconciler]
accounting: [rollup, eosc-push]
{{- end -}}

{{/* The configuration file of one service (or of `migrate` with name ""): (dict "root" $ "name" "pdp") */}}
{{- define "panosc.config" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $aai := include "panosc.internalUrl" (dict "root" $root "name" "aai") -}}
{{- $registry := include "panosc.internalUrl" (dict "root" $root "name" "registry") -}}
{{- $pdp := include "panosc.internalUrl" (dict "root" $root "name" "pdp") -}}
{{- $accounting := include "panosc.internalUrl" (dict "root" $root "name" "accounting") -}}
{{- $cfg := dict
  "server" (dict "host" "0.0.0.0" "port" 8080 "publicBaseUrl" $v.publicUrl
    "shutdownGrace" (printf "%ds" (int $v.server.shutdownGraceSeconds))
    "drainDelay" (printf "%ds" (int $v.server.drainDelaySeconds)))
  "dataDir" "/tmp/panosc"
  "database" (dict "url" (include "panosc.databaseUrl" $root) "poolSize" $v.database.poolSize)
  "logging" (dict "format" $v.logging.format "level" $v.logging.level)
  "auth" (dict "jwksUri" (printf "%s/aai/jwks" $aai)) -}}
{{- if .name -}}
{{- $_ := set $cfg "keys" (dict "kekFile" "/etc/panosc/kek/kek") -}}
{{- end -}}
{{- if and .name $v.keys.previousSecrets -}}
{{- $prev := list -}}
{{- range $i, $s := $v.keys.previousSecrets -}}{{- $prev = append $prev (printf "/etc/panosc/kek-previous/%d/kek" $i) -}}{{- end -}}
{{- $_ := set $cfg.keys "previousKekFiles" $prev -}}
{{- end -}}
{{- if .name -}}
{{- $own := deepCopy (index $v.services .name "config") -}}
{{- $internal := dict -}}
{{- if eq .name "aai" -}}
{{- $internal = dict "registryUrl" (printf "%s/registry" $registry) -}}
{{- else if eq .name "pdp" -}}
{{- $internal = dict "aai" (dict "tokenEndpoint" (printf "%s/aai/token" $aai) "resolveEndpoint" (printf "%s/aai/v1/resolve" $aai))
    "mesh" (dict "registryUrl" (printf "%s/registry" $registry)) -}}
{{- if $v.mesh.grpc.enabled -}}
{{- $grpc := dict "port" (int $v.mesh.grpc.port) "host" "0.0.0.0" -}}
{{- if $v.mesh.grpc.tls.existingSecret -}}
{{- $_ := set $grpc "tlsCert" "/etc/panosc/mesh-tls/tls.crt" -}}
{{- $_ := set $grpc "tlsKey" "/etc/panosc/mesh-tls/tls.key" -}}
{{- end -}}
{{- $_ := set $internal.mesh "grpc" $grpc -}}
{{- if $v.mesh.xds.enabled -}}
{{- $_ := set $internal.mesh "xds" (dict "enabled" true "listenerPort" (int $v.mesh.xds.listenerPort)
    "checkHost" ($v.mesh.xds.checkHost | default (printf "%s-pdp.%s.svc" (include "panosc.fullname" $root) $root.Release.Namespace))) -}}
{{- end -}}
{{- end -}}
{{- else if eq .name "broker" -}}
{{- $internal = dict "pdp" (dict "evaluationsEndpoint" (printf "%s/pdp/access/v1/evaluations" $pdp)
    "tokenEndpoint" (printf "%s/aai/token" $aai) "resolveEndpoint" (printf "%s/aai/v1/resolve" $aai)) -}}
{{- if hasKey $own "clusterRegistry" -}}{{- $_ := set $internal "clusterRegistry" (dict "url" (printf "%s/registry" $registry)) -}}{{- end -}}
{{- if hasKey $own "usage" -}}{{- $_ := set $internal "usage" (dict "accountingUrl" (printf "%s/accounting" $accounting)) -}}{{- end -}}
{{- end -}}
{{- $_ := set $cfg "services" (dict .name (merge $own $internal)) -}}
{{- if eq $v.leaderElection.kind "lease" -}}
{{- $_ := set $cfg "leader" (dict "kind" "lease" "namespace" $root.Release.Namespace "leaseName" (include "panosc.fullname" $root)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{- define "panosc.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "panosc.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Environment shared by services and the migration Job: the database credentials from the Secret. */}}
{{- define "panosc.dbEnv" -}}
- name: PANOSC_DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ include "panosc.dbSecret" . }}
      key: {{ if .Values.cnpg.enabled }}username{{ else }}{{ .Values.database.usernameKey }}{{ end }}
- name: PANOSC_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "panosc.dbSecret" . }}
      key: {{ if .Values.cnpg.enabled }}password{{ else }}{{ .Values.database.passwordKey }}{{ end }}
- name: JAVA_TOOL_OPTIONS
  value: {{ printf "%s -Djava.io.tmpdir=/tmp -Duser.home=/tmp" .Values.podDefaults.javaOpts | quote }}
{{- end -}}

{{/* Egress rule to PostgreSQL: the CNPG cluster's pods, or the external database's CIDRs (any address when none is given). */}}
{{- define "panosc.databaseEgress" -}}
{{- if .Values.cnpg.enabled -}}
- to:
    - podSelector:
        matchLabels:
          cnpg.io/cluster: {{ include "panosc.cnpgName" . }}
  ports:
    - {port: 5432, protocol: TCP}
{{- else if .Values.networkPolicy.database.cidrs -}}
- to:
    {{- range .Values.networkPolicy.database.cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  ports:
    - {port: {{ .Values.networkPolicy.database.port }}, protocol: TCP}
{{- else -}}
- ports:
    - {port: {{ .Values.networkPolicy.database.port }}, protocol: TCP}
{{- end -}}
{{- end -}}

{{/* Fails when a key named like a secret or password holds anything but a ${VAR} reference: (dict "path" "services.pdp.config" "value" $map) */}}
{{- define "panosc.noSecrets" -}}
{{- $path := .path -}}
{{- range $k, $val := .value -}}
{{- if kindIs "map" $val -}}
{{- include "panosc.noSecrets" (dict "path" (printf "%s.%s" $path $k) "value" $val) -}}
{{- else if and (regexMatch "(?i)(secret|password|token)$" $k) (not (regexMatch "^\\$\\{[A-Za-z_][A-Za-z0-9_]*\\}$" (toString $val))) -}}
{{- fail (printf "%s.%s: a secret must not be written in values; put it in a Secret, map it with secretEnv and write ${NAME} here" $path $k) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Combinations the schema cannot express, each failing with the value's name. */}}
{{- define "panosc.checks" -}}
{{- range $name, $s := .Values.services -}}
{{- if $s.enabled -}}
{{- $auto := false -}}
{{- if $s.autoscaling -}}{{- $auto = $s.autoscaling.enabled -}}{{- end -}}
{{- $min := int $s.replicas -}}
{{- if $auto -}}
{{- $min = int $s.autoscaling.minReplicas -}}
{{- if gt (int $s.autoscaling.minReplicas) (int $s.autoscaling.maxReplicas) -}}
{{- fail (printf "services.%s.autoscaling: minReplicas (%d) is above maxReplicas (%d)" $name (int $s.autoscaling.minReplicas) (int $s.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- if and (not (kindIs "string" $s.pdb.minAvailable)) (ge (int $s.pdb.minAvailable) $min) -}}
{{- fail (printf "services.%s.pdb.minAvailable (%d) must be below the replicas (%d), or no node could ever be drained" $name (int $s.pdb.minAvailable) $min) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
