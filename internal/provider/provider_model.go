package provider

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/auth"
)

// providerModel is the provider block as Terraform sends it.
type providerModel struct {
	Region               types.String     `tfsdk:"region"`
	ProjectID            types.String     `tfsdk:"project_id"`
	Cloud                types.String     `tfsdk:"cloud"`
	Endpoint             types.String     `tfsdk:"endpoint"`
	AuthURL              types.String     `tfsdk:"auth_url"`
	Token                types.String     `tfsdk:"token"`
	AccessKey            types.String     `tfsdk:"access_key"`
	SecretKey            types.String     `tfsdk:"secret_key"`
	SecurityToken        types.String     `tfsdk:"security_token"`
	UserName             types.String     `tfsdk:"user_name"`
	Password             types.String     `tfsdk:"password"`
	DomainName           types.String     `tfsdk:"domain_name"`
	IdpID                types.String     `tfsdk:"idp_id"`
	IDToken              types.String     `tfsdk:"id_token"`
	IDTokenFile          types.String     `tfsdk:"id_token_file"`
	IDTokenAudience      types.String     `tfsdk:"id_token_audience"`
	SharedConfigFile     types.String     `tfsdk:"shared_config_file"`
	Profile              types.String     `tfsdk:"profile"`
	AssumeRole           *assumeRoleModel `tfsdk:"assume_role"`
	Insecure             types.Bool       `tfsdk:"insecure"`
	CACertFile           types.String     `tfsdk:"cacert_file"`
	MaxRetries           types.Int64      `tfsdk:"max_retries"`
	MaxRequestsPerSecond types.Float64    `tfsdk:"max_requests_per_second"`
	RequestTimeout       types.String     `tfsdk:"request_timeout"`
}

// assumeRoleModel is the assume_role block.
type assumeRoleModel struct {
	AgencyName types.String `tfsdk:"agency_name"`
	DomainName types.String `tfsdk:"domain_name"`
	Duration   types.String `tfsdk:"duration"`
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
