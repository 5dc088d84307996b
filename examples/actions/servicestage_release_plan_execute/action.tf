# Start a run of the release task whenever the version to release changes, and
# wait for it: the apply fails, naming each failed component, unless every
# component deploys. Actions need Terraform 1.14 or later.
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

action "servicestage_release_plan_execute" "orders" {
  config {
    release_plan_id = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"
    # Bounds the whole invoke; at the end the release goes on in ServiceStage.
    timeouts = {
      invoke = "45m"
    }
  }
}

resource "terraform_data" "orders_release" {
  input = var.release_version

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.servicestage_release_plan_execute.orders]
    }
  }
}
