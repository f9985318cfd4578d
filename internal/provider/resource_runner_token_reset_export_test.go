package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
)

// NewWithClockForTest is New with the clock the provider judges token expiry
// by replaced with now (a simulator's, which the test moves). Test binaries
// only.
func NewWithClockForTest(version string, now func() time.Time) func() provider.Provider {
	return func() provider.Provider {
		return &gitlabciProvider{version: version, now: now}
	}
}
