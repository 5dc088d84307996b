# The second part of `make demo`, with Terraform 1.14 or later: start a new run
# of the newest orders-* release task and follow it to its end. The provider
# is configured from the environment, as for examples/demo.
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

# Creating this resource triggers the action: one run per apply that creates
# or changes it.
resource "terraform_data" "release" {
  input = data.servicestage_release_plans.orders.ids[0]

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.servicestage_release_plan_execute.orders]
    }
  }
}

output "released_task" {
  value = data.servicestage_release_plans.orders.release_plans[0].name
}
