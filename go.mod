module feedplan

go 1.26.8

require (
	github.com/robfig/cron/v3 v3.0.1
	go.yaml.in/yaml/v3 v3.0.6
)

require github.com/gosnmp/gosnmp v1.47.0

require golang.org/x/sync v0.24.0
