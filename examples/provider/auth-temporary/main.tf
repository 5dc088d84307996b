# Temporary credentials (from an agency or a federated login): an access key,
# its secret key and a security token. The token is sent, and signed, as
# X-Security-Token.
variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

variable "security_token" {
  type      = string
  sensitive = true
}

provider "servicestage" {
  region         = "ap-southeast-3"
  project_id     = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  access_key     = var.access_key     # or HW_ACCESS_KEY
  secret_key     = var.secret_key     # or HW_SECRET_KEY
  security_token = var.security_token # or HW_SECURITY_TOKEN
}
