package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
)

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	Duration   types.String `tfsdk:"duration"`
}

// credentialSettings maps the provider block's credentials, and the
// environment where HCL leaves them null, onto what internal/auth chooses
// a way from. Credentials are used as given: a password may end in a
// space; whitespace around one gets a warning that never shows the value.
func credentialSettings(m providerModel, diags *diag.Diagnostics) auth.Given {
	var g auth.Given
	set := func(s auth.Setting, v types.String, trim bool) {
		value, fromEnv := settingValue(s, v, diags)
		if trim {
			value = strings.TrimSpace(value)
		} else if strings.TrimSpace(value) != value {
			diags.AddAttributeWarning(settingPath(s.Attr), "Whitespace around "+s.Attr,
				fmt.Sprintf("%s (or %s) starts or ends with whitespace, which is sent as part of it. "+
					"If the whitespace is not part of the credential, remove it.", s.Attr, s.Env))
		}
		g.Set(s, value, fromEnv)
	}
	for _, c := range []struct {
		s    auth.Setting
		v    types.String
		trim bool
	}{
		{auth.SettingToken, m.Token, false}, {auth.SettingAccessKey, m.AccessKey, false},
		{auth.SettingSecretKey, m.SecretKey, false}, {auth.SettingSecurityToken, m.SecurityToken, false},
		{auth.SettingUserName, m.UserName, false}, {auth.SettingPassword, m.Password, false},
		{auth.SettingDomainName, m.DomainName, false}, {auth.SettingIdpID, m.IdpID, true},
		{auth.SettingIDToken, m.IDToken, true}, {auth.SettingIDTokenFile, m.IDTokenFile, true},
		{auth.SettingIDTokenAudience, m.IDTokenAudience, true}, {auth.SettingSharedConfigFile, m.SharedConfigFile, true},
		{auth.SettingProfile, m.Profile, true},
	} {
		set(c.s, c.v, c.trim)
	}
	var role assumeRoleModel
	if m.AssumeRole != nil {
		role = *m.AssumeRole
	}
	set(auth.SettingAgencyName, role.AgencyName, true)
	set(auth.SettingAgencyDomainName, role.DomainName, true)
	set(auth.SettingAgencyDuration, role.Duration, true)
	// Set by the machine, not the configuration.
	for _, s := range []auth.Setting{auth.SettingActionsURL, auth.SettingActionsToken, auth.SettingMetadataEndpoint} {
		g.Set(s, os.Getenv(s.Env), true)
	}
	return g
}

// settingValue is the value of s from HCL, else from its environment
// variable, exactly as set, and whether it came from the environment.
func settingValue(s auth.Setting, v types.String, diags *diag.Diagnostics) (string, bool) {
	switch {
	case v.IsUnknown():
		diags.AddAttributeError(settingPath(s.Attr), "Unknown provider setting",
			fmt.Sprintf("%s is not known until apply, but the provider needs it to read data sources during plan. "+
				"Set it from a variable or the %s environment variable instead of another resource's attribute.", s.Attr, s.Env))
		return "", false
	case !v.IsNull():
		return v.ValueString(), false
	}
	value := os.Getenv(s.Env)
	return value, value != ""
}

// settingPath is the path of a dotted attribute name: "assume_role.duration".
func settingPath(attr string) path.Path {
	names := strings.Split(attr, ".")
	p := path.Root(names[0])
	for _, name := range names[1:] {
		p = p.AtName(name)
	}
	return p
}

// problemDiagnostics turns what auth found wrong with the settings into
// diagnostics on the attributes concerned.
func problemDiagnostics(problems []auth.Problem) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, p := range problems {
		switch {
		case p.Attr == "" && p.Warning:
			diags.AddWarning(p.Summary, p.Detail)
		case p.Attr == "":
			diags.AddError(p.Summary, p.Detail)
		case p.Warning:
			diags.AddAttributeWarning(settingPath(p.Attr), p.Summary, p.Detail)
		default:
			diags.AddAttributeError(settingPath(p.Attr), p.Summary, p.Detail)
		}
	}
	return diags
}

// checkCredentials says which settings to look at for the way in use.
func checkCredentials(way auth.Way) string {
	switch way {
	case auth.WayToken:
		return "Check token (HW_AUTH_TOKEN): IAM tokens expire after 24 hours and are scoped to one project."
	case auth.WayAccessKey:
		return "Check access_key and secret_key (HW_ACCESS_KEY, HW_SECRET_KEY), security_token (HW_SECURITY_TOKEN) " +
			"for temporary credentials, and that this machine's clock is right: signatures more than 15 minutes off are refused."
	case auth.WayPassword:
		return "Check user_name, password and domain_name (HW_USER_NAME, HW_PASSWORD, HW_DOMAIN_NAME), and that the " +
			"token's project (project_id or region) is the one being read."
	case auth.WayOIDC:
		return "Check idp_id (HW_IDP_ID), and that the token's project (project_id or region) is the one being read."
	case auth.WaySharedConfig:
		return "Check the KooCLI profile's accessKeyId, secretAccessKey and securityToken (shared_config_file, profile), " +
			"and that this machine's clock is right."
	case auth.WayMetadata:
		return "The credentials came from the ECS metadata service: check the agency bound to the ECS, and this machine's clock."
	default:
		return "Check the provider's credentials."
	}
}
