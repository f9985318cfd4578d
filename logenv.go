package main

import (
	"os"
	"strings"
)

// quietLogEnv decides the logging defaults of the provider process. The
// CLI starts every plugin with its own environment, and terraform-plugin-log
// starts the SDK loggers (sdk, sdk.proto, sdk.framework) and the provider
// logger at TRACE when their variables are unset; the CLI then discards every
// line unless TF_LOG, TF_LOG_CORE or TF_LOG_PROVIDER is set (Terraform's and
// OpenTofu's internal/logging: the provider log level comes from
// TF_LOG_PROVIDER, else TF_LOG, else off). Formatting those discarded TRACE
// lines is about a third of the provider's CPU in a large refresh.
//
// So when no TF_LOG* variable (nor TF_ACC_LOG_PATH, which turns on the
// acceptance-test log sink) is set at all, it returns the variables that
// start those loggers off. When any is set, even one this provider does not
// read (TF_LOG_CORE, TF_LOG_PATH), it returns nil and every logger keeps the
// SDK's default, so a user who asks for logs gets every line.
func quietLogEnv(environ []string) []string {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if value == "" {
			continue
		}
		if strings.HasPrefix(name, "TF_LOG") || name == "TF_ACC_LOG_PATH" {
			return nil
		}
	}
	return []string{
		// terraform-plugin-go: root SDK logger and the protocol subsystem.
		"TF_LOG_SDK=off",
		"TF_LOG_SDK_PROTO=off",
		// terraform-plugin-framework: the framework subsystem.
		"TF_LOG_SDK_FRAMEWORK=off",
		// terraform-plugin-go: the provider's own logger, named after the
		// provider type (TF_LOG_PROVIDER_ + "GITLABCI").
		"TF_LOG_PROVIDER_GITLABCI=off",
	}
}

// applyEnv sets name=value pairs in the process environment and reports
// whether there were any.
func applyEnv(kvs []string) bool {
	for _, kv := range kvs {
		name, value, _ := strings.Cut(kv, "=")
		_ = os.Setenv(name, value)
	}
	return len(kvs) > 0
}
