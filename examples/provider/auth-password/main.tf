# An IAM user's password: the provider asks IAM for a token scoped to
# project_id (POST {auth_url}/auth/tokens) and reuses it until it expires.
variable "password" {
  type      = string
  sensitive = true
}

provider "servicestage" {
  region      = "ap-southeast-3"
  project_id  = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  user_name   = "release-reader"  # or HW_USER_NAME
  password    = var.password      # or HW_PASSWORD
  domain_name = "example-account" # or HW_DOMAIN_NAME

  # Defaults to https://iam.{region}.{cloud}/v3; set it (or HW_AUTH_URL) for
  # a private IAM endpoint.
  # auth_url = "https://iam.ap-southeast-3.myhuaweicloud.com/v3"
}
