package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// authMethod is the one way of authenticating a provider instance uses.
type authMethod int

const (
	authNone authMethod = iota
	authToken
	authAKSK
	authPassword
)

func (m authMethod) String() string {
	return [...]string{"none", "token", "access_key/secret_key", "user_name/password"}[m]
}

// credentialSetting is one attribute of an authentication method and the
// environment variable it falls back to.
type credentialSetting struct{ attr, env string }

// methodSettings are the settings each method is made of, and what users call it.
var methodSettings = map[authMethod]struct {
	name     string
	settings []credentialSetting
}{
	authToken:    {"an IAM token", []credentialSetting{{"token", "HW_AUTH_TOKEN"}}},
	authAKSK:     {"an access key", []credentialSetting{{"access_key", "HW_ACCESS_KEY"}, {"secret_key", "HW_SECRET_KEY"}}},
	authPassword: {"a user and password", []credentialSetting{{"user_name", "HW_USER_NAME"}, {"password", "HW_PASSWORD"}}},
}

// origin says where the settings of method m came from, naming attributes
// and environment variables, never values.
func (s settings) origin(m authMethod) (where, undo string) {
	var hcl, env []string
	for _, c := range methodSettings[m].settings {
		if s.fromEnv[c.attr] {
			env = append(env, c.env)
		} else {
			hcl = append(hcl, c.attr)
		}
	}
	var parts, undos []string
	if len(hcl) > 0 {
		parts = append(parts, joinAnd(hcl)+" in the provider block")
		undos = append(undos, "remove "+joinAnd(hcl)+" from the provider block")
	}
	if len(env) > 0 {
		parts = append(parts, "the "+joinAnd(env)+" environment variable"+plural(len(env)))
		undos = append(undos, "unset "+joinAnd(env))
	}
	return strings.Join(parts, " and "), strings.Join(undos, " and ")
}

// severalMethodsWarning says which method is used and which are ignored,
// and where each was set: a stale token in the environment otherwise wins
// silently over credentials written in HCL.
func severalMethodsWarning(s settings, used authMethod, ignored []authMethod) diag.Diagnostic {
	usedWhere, undo := s.origin(used)
	ignoredNames := make([]string, len(ignored))
	ignoredText := make([]string, len(ignored))
	for i, m := range ignored {
		where, _ := s.origin(m)
		ignoredNames[i] = m.String()
		ignoredText[i] = fmt.Sprintf("%s (%s)", methodSettings[m].name, where)
	}
	return diag.NewAttributeWarningDiagnostic(path.Root(methodSettings[used].settings[0].attr),
		"Using "+used.String()+", ignoring "+joinAnd(ignoredNames),
		fmt.Sprintf("The provider authenticates one way, the first given of: token; access_key and secret_key; "+
			"user_name and password. It uses %s (%s) and ignores %s.\n\nTo use the other credentials instead, %s.",
			methodSettings[used].name, usedWhere, joinAnd(ignoredText), undo))
}

// joinAnd joins words as a sentence does: "a", "a and b", "a, b and c".
func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// plural is "s" for a count other than one.
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// chooseAuth picks the first complete authentication method in the
// contract's order and rejects half-given pairs.
func chooseAuth(ctx context.Context, s settings) (authMethod, diag.Diagnostics) {
	var diags diag.Diagnostics
	missing := func(attr, env, because string) {
		diags.AddAttributeError(path.Root(attr), "Missing "+attr,
			fmt.Sprintf("%s is set, so %s is needed too. Set %s in the provider block or the %s environment variable, or remove %s.",
				because, attr, attr, env, because))
	}
	if s.accessKey != "" && s.secretKey == "" {
		missing("secret_key", "HW_SECRET_KEY", "access_key")
	}
	if s.secretKey != "" && s.accessKey == "" {
		missing("access_key", "HW_ACCESS_KEY", "secret_key")
	}
	if s.securityToken != "" && (s.accessKey == "" || s.secretKey == "") {
		diags.AddAttributeError(path.Root("security_token"), "security_token without AK/SK",
			"security_token belongs to temporary AK/SK credentials: set access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY) with it.")
	}
	if s.userName != "" && s.password == "" {
		missing("password", "HW_PASSWORD", "user_name")
	}
	if s.password != "" && s.userName == "" {
		missing("user_name", "HW_USER_NAME", "password")
	}
	if (s.userName != "" || s.password != "") && s.domainName == "" {
		missing("domain_name", "HW_DOMAIN_NAME", "user_name")
	}
	if diags.HasError() {
		return authNone, diags
	}

	var complete []authMethod
	if s.token != "" {
		complete = append(complete, authToken)
	}
	if s.accessKey != "" {
		complete = append(complete, authAKSK)
	}
	if s.userName != "" {
		complete = append(complete, authPassword)
	}
	if len(complete) == 0 {
		return authNone, diags
	}
	if len(complete) > 1 {
		ignored := make([]string, 0, len(complete)-1)
		for _, m := range complete[1:] {
			ignored = append(ignored, m.String())
		}
		tflog.Info(ctx, "several authentication methods are configured; using the first in order token, AK/SK, password",
			map[string]any{"used": complete[0].String(), "ignored": ignored})
		diags.Append(severalMethodsWarning(s, complete[0], complete[1:]))
	}
	return complete[0], diags
}

// noCredentials explains the three ways to authenticate.
var noCredentials = diag.NewErrorDiagnostic("No credentials for ServiceStage",
	"The servicestage provider has no credentials. Use one of:\n"+
		"  - an IAM token: token, or HW_AUTH_TOKEN;\n"+
		"  - an access key: access_key and secret_key (and security_token for temporary credentials), "+
		"or HW_ACCESS_KEY, HW_SECRET_KEY (and HW_SECURITY_TOKEN);\n"+
		"  - an IAM user: user_name, password and domain_name, or HW_USER_NAME, HW_PASSWORD and HW_DOMAIN_NAME.")

// checkCredentials says which settings to look at for the method in use.
func checkCredentials(method authMethod) string {
	switch method {
	case authToken:
		return "Check token (HW_AUTH_TOKEN): IAM tokens expire after 24 hours and are scoped to one project."
	case authAKSK:
		return "Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), security_token (HW_SECURITY_TOKEN) " +
			"for temporary credentials, and that this machine's clock is right: signatures more than 15 minutes off are refused."
	case authPassword:
		return "Check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME), and that the " +
			"token's project (project_id or region) is the one being read."
	default:
		return "Check the provider's credentials."
	}
}
