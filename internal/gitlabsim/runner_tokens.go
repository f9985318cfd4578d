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
	r := c.runnerVar("id")
	if r == nil {
		return
	}
	if !c.acc.canUpdate(r) {
		c.forbidden("No access granted")
		return
	}
	c.st.issueToken(r)
	c.json(201, tokenResult{Token: r.token, TokenExpiresAt: tp(r.tokenExpiresAt)})
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
	if r == nil {
		return
	}
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
	p := c.findProject(c.vars["id"])
	if p == nil {
		return
	}
	if (!c.user.admin && c.acc.project(p) < accessMaintainer) || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	delete(c.st.regTokens, p.regToken)
	p.regToken = randToken(prefixRegToken)
	c.st.regTokens[p.regToken] = p
	c.json(201, regTokenResult{Token: p.regToken})
}

// POST /groups/:id/runners/reset_registration_token
func (c *ctx) resetGroupRegistrationToken() {
	g := c.findGroup(c.vars["id"])
	if g == nil {
		return
	}
	if (!c.user.admin && c.acc.group(g) < accessOwner) || !c.st.regEnabled {
		c.forbidden("")
		return
	}
	delete(c.st.regTokens, g.regToken)
	g.regToken = randToken(prefixRegToken)
	c.st.regTokens[g.regToken] = g
	c.json(201, regTokenResult{Token: g.regToken})
}
