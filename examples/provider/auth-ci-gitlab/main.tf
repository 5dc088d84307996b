# In GitLab CI, `id_tokens:` puts an OpenID Connect ID token for the job in a
# variable; write it to a file (or use a Kubernetes projected token file),
# which the provider reads again at each exchange, so a token renewed by its
# issuer is picked up during a long wait.
provider "servicestage" {
  region        = "ap-southeast-3"
  project_id    = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  idp_id        = "gitlab-ci"                  # or HW_IDP_ID
  id_token_file = "/tmp/servicestage-id-token" # or HW_ID_TOKEN_FILE; or id_token / HW_ID_TOKEN with the token itself
}
