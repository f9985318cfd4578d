package provider

import "time"

// SetRotationClockForTest makes gitlabci_runner_token_reset judge token
// expiry by now() for the GitLab at baseURL (a simulator whose clock the
// test moves), and returns the function that undoes it. Test binaries only.
func SetRotationClockForTest(baseURL string, now func() time.Time) (restore func()) {
	rotationClocks.Store(baseURL, now)
	return func() { rotationClocks.Delete(baseURL) }
}
