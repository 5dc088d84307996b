package provider

import (
	"context"
	"fmt"

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
