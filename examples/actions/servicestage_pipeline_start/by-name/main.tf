# An action for a person to run on demand, with
#   terraform apply -invoke=action.servicestage_pipeline_start.checkout
# The new-edition task is found by name; wait = false returns as soon as
# ServiceStage has started the run.
terraform {
  required_version = ">= 1.14"

  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

data "servicestage_pipelines" "checkout" {
  name = "checkout-release-2026-11-27"

  lifecycle {
    postcondition {
      condition     = length(self.ids) == 1
      error_message = "Expected exactly one new-edition release task named checkout-release-2026-11-27."
    }
  }
}

action "servicestage_pipeline_start" "checkout" {
  config {
    pipeline_id = data.servicestage_pipelines.checkout.ids[0]
    wait        = false
  }
}
