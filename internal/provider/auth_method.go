package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
)

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
