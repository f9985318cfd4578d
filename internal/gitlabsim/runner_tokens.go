package gitlabsim

// Runner authentication tokens and registration tokens: the
// reset_authentication_token and reset_registration_token endpoints
// (lib/api/ci/runners.rb, lib/api/ci/runner.rb) and the runner-token lookup
// of the endpoints a runner calls with its own token.

type tokenResult struct {
	Token          string  `json:"token"`
	TokenExpiresAt *jsTime `json:"token_expires_at"`
}

// POST /runners/:id/reset_authentication_token
func (c *ctx) resetRunnerAuthenticationToken() {
	if r := c.permittedRunner("id", c.acc.canUpdate); r != nil {
		c.resetAuthenticationToken(r)
	}
}

// answers 403 for unknown, reset or expired tokens.
func (c *ctx) tokenRunner() *runner {
	v := &validator{p: c.p}
	v.required("token")
	tok, _, _, err := c.p.str("token")
	v.add(err)
	if v.failed() {
		c.errorf(400, v.message())
		return nil
	}
	r := c.st.runnerForToken(tok)
	if r == nil {
		c.forbidden("")
	}
	return r
}

// POST /runners/reset_authentication_token (by current token)
func (c *ctx) resetRunnerAuthenticationTokenByToken() {
	r := c.tokenRunner()
	if r == nil || !c.heartbeat(r) {
		return
	}
	c.resetAuthenticationToken(r)
}

func (c *ctx) resetAuthenticationToken(r *runner) {
	c.st.issueToken(r)
	c.json(201, tokenResult{Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
}

type regTokenResult struct {
	Token string `json:"token"`
}

// POST /runners/reset_registration_token
func (c *ctx) resetInstanceRegistrationToken() {
	if !c.user.admin || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	st := c.st
	st.instanceRegToken = randToken(prefixRegToken)
	c.json(201, regTokenResult{Token: st.instanceRegToken})
}

// POST /projects/:id/runners/reset_registration_token
func (c *ctx) resetProjectRegistrationToken() {
	if p := c.projectWithAccess(accessMaintainer); p != nil {
		c.rotateRegistrationToken(&p.regToken, p)
	}
}

// POST /groups/:id/runners/reset_registration_token
func (c *ctx) resetGroupRegistrationToken() {
	if g := c.groupWithAccess(accessOwner); g != nil {
		c.rotateRegistrationToken(&g.regToken, g)
	}
}

// rotateRegistrationToken replaces the registration token *tok of owner (a
// *project or *namespace), unless registration tokens are disabled.
func (c *ctx) rotateRegistrationToken(tok *string, owner any) {
	if !c.st.regEnabled {
		c.forbidden("")
		return
	}
	delete(c.st.regTokens, *tok)
	*tok = randToken(prefixRegToken)
	c.st.regTokens[*tok] = owner
	c.json(201, regTokenResult{Token: *tok})
}
