# Start a run of a new-edition release task whenever the version to release
# changes, and wait for it: the apply fails, naming the final status, unless
# the run succeeds. Actions need Terraform 1.14 or later.
terraform {
  required_version = ">= 1.14"

  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

variable "release_version" {
  type    = string
  default = "2026.1130.1200"
}

action "servicestage_pipeline_start" "checkout" {
  config {
    pipeline_id = "4105b37a-947e-4aca-90d8-cec7c04c6f38"
    # Bounds the whole invoke, approvals included; at the end the release
    # goes on in ServiceStage.
    timeouts = {
      invoke = "2h"
    }
  }
}

resource "terraform_data" "checkout_release" {
  input = var.release_version

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.servicestage_pipeline_start.checkout]
    }
  }
}
