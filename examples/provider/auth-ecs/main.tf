# On an ECS with an agency bound to it, configure no credentials at all: the
# provider reads the agency's temporary access key, secret key and security
# token from the ECS metadata service (http://169.254.169.254), and renews them
# before they expire.
provider "servicestage" {
  region     = "ap-southeast-3"
  project_id = "2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6"
}
