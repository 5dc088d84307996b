# A permanent access key: every request is signed with SDK-HMAC-SHA256.
variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

provider "servicestage" {
  region     = "ap-southeast-3"
  project_id = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
  access_key = var.access_key # or HW_ACCESS_KEY
  secret_key = var.secret_key # or HW_SECRET_KEY
}
