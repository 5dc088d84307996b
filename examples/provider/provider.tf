terraform {
  required_version = ">= 1.5"

  required_providers {
    servicestage = {
      source  = "f6c119bb/servicestage"
      version = "~> 0.1" # 0.1.0 or a later 0.x release
    }
  }
}

variable "region" {
  description = "Huawei Cloud region of the ServiceStage release tasks."
  type        = string
  default     = "ap-southeast-3"
}

variable "project_id" {
  description = "Project (tenant) ID in that region: 32 hexadecimal characters."
  type        = string
}

provider "servicestage" {
  region     = var.region
  project_id = var.project_id

  # Credentials are best left out of the configuration. Export either
  #   HW_ACCESS_KEY and HW_SECRET_KEY (an access key and its secret key), or
  #   HW_AUTH_TOKEN (an IAM token)
  # before running terraform, and the provider picks them up.
}
