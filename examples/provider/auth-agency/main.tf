# Across accounts: the credentials found in the usual order (here from the
# environment, or the ECS metadata service) are exchanged for the temporary
# access key of an agency that another account has delegated to this one.
# They sign every request, and are renewed before `duration` runs out.
provider "servicestage" {
  region     = "ap-southeast-3"
  project_id = "7c3e5a9b1d2f4c6e8a0b2d4f6e8c0a1b" # a project of the account that owns the agency

  assume_role {
    agency_name = "servicestage-release" # or HW_ASSUME_ROLE_AGENCY_NAME
    domain_name = "release-account"      # or HW_ASSUME_ROLE_DOMAIN_NAME: the account that owns the agency
    duration    = "2h"                   # or HW_ASSUME_ROLE_DURATION; 15m to 24h, default 1h
  }
}
