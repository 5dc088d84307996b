# An IAM token, sent as X-Auth-Token. It takes precedence over every other
# kind of credential. IAM tokens expire after 24 hours.
variable "iam_token" {
  type      = string
  sensitive = true
}

provider "servicestage" {
  region     = "ap-southeast-3"
  project_id = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  token      = var.iam_token # or HW_AUTH_TOKEN
}
