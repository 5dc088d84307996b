# Everything from the environment, the same variables Huawei Cloud's own
# provider reads:
#
#   export HW_REGION_NAME=ap-southeast-3
#   export HW_PROJECT_ID=2a7d9c4e6b1f4e08a3c5d7e9f1b2c4d6
#
# and one set of credentials:
#
#   export HW_AUTH_TOKEN=...                          # an IAM token, or
#   export HW_ACCESS_KEY=... HW_SECRET_KEY=...        # an access key
#   export HW_SECURITY_TOKEN=...                      #   (+ this for temporary credentials), or
#   export HW_USER_NAME=... HW_PASSWORD=... HW_DOMAIN_NAME=...  # an IAM user
#
# Optional: HW_CLOUD, HW_SERVICESTAGE_ENDPOINT, HW_AUTH_URL, HW_INSECURE,
# OS_CACERT, HW_MAX_RETRIES.
provider "servicestage" {}
