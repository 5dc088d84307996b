# In a GitHub Actions job with `permissions: id-token: write`, the runner
# hands out an OpenID Connect ID token for the job. The provider fetches one
# (ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN), asking for
# the audience below, and exchanges it at IAM through the identity provider
# idp_id for a token scoped to project_id. No secret is stored anywhere.
provider "servicestage" {
  region            = "ap-southeast-3"
  project_id        = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  idp_id            = "github-actions"  # or HW_IDP_ID
  id_token_audience = "servicestage-ci" # or HW_ID_TOKEN_AUDIENCE: the identity provider's client ID
}
