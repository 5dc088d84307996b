# A KooCLI (hcloud) profile: its access key, secret key and security token,
# and its region, project and agency where the provider block gives none.
# KooCLI must store the keys unencrypted: hcloud configure set --cli-auth-encrypt=false
provider "servicestage" {
  shared_config_file = "~/.hcloud/config.json" # or HW_SHARED_CONFIG_FILE
  profile            = "release"               # or HW_PROFILE; default: the file's current profile
}
