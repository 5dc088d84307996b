# An action for a person to run on demand, with
#   terraform apply -invoke=action.servicestage_release_plan_execute.orders
# The task is found by name; wait = false returns as soon as ServiceStage has
# started the run.
terraform {
  required_version = ">= 1.14"

  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

data "servicestage_release_plans" "orders" {
  name = "orders-release-2026-11-27"

  lifecycle {
    postcondition {
      condition     = length(self.ids) == 1
      error_message = "Expected exactly one release task named orders-release-2026-11-27."
    }
  }
}

action "servicestage_release_plan_execute" "orders" {
  config {
    release_plan_id = data.servicestage_release_plans.orders.ids[0]
    wait            = false
  }
}
