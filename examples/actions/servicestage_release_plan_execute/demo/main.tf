# The second part of `make demo`, with Terraform 1.14 or later: start a new run
# of the newest orders-* release task (old edition) and of the newest
# checkout-* new-edition task whose last run succeeded, and follow each to its
# end. The provider is configured from the environment, as for examples/demo.
terraform {
  required_version = ">= 1.14"

  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

provider "servicestage" {}

data "servicestage_release_plans" "orders" {
  name_regex = "^orders-"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No release task named orders-* in project ${self.project_id}."
    }
  }
}

action "servicestage_release_plan_execute" "orders" {
  config {
    release_plan_id = data.servicestage_release_plans.orders.ids[0]
  }
}

# A new-edition task with no run in progress: the action refuses one that has.
data "servicestage_pipelines" "checkout" {
  name_regex = "^checkout-"
  status     = "SUCCEEDED"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No new-edition release task named checkout-* whose last run succeeded in project ${self.project_id}."
    }
  }
}

action "servicestage_pipeline_start" "checkout" {
  config {
    pipeline_id = data.servicestage_pipelines.checkout.ids[0]
  }
}

# Creating this resource triggers the actions: one run per apply that creates
# or changes it.
resource "terraform_data" "release" {
  input = data.servicestage_release_plans.orders.ids[0]

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.servicestage_release_plan_execute.orders, action.servicestage_pipeline_start.checkout]
    }
  }
}

output "released_task" {
  value = data.servicestage_release_plans.orders.release_plans[0].name
}

output "released_pipeline" {
  value = data.servicestage_pipelines.checkout.pipelines[0].name
}
