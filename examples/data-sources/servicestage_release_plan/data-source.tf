terraform {
  required_providers {
    servicestage = {
      source = "f6c119bb/servicestage"
    }
  }
}

# Read one release task. project_id defaults to the provider's.
data "servicestage_release_plan" "orders" {
  release_plan_id = "3f1c9a52-7b4e-4d2a-9c61-0e8d5b7a2f14"
}

output "orders_release" {
  value = {
    name          = data.servicestage_release_plan.orders.name
    status        = data.servicestage_release_plan.orders.status
    action        = data.servicestage_release_plan.orders.action
    fail_strategy = data.servicestage_release_plan.orders.fail_strategy
    # execute_time is null until the task first runs.
    executed = (
      data.servicestage_release_plan.orders.execute_time == null
      ? "never"
      : timeadd("1970-01-01T00:00:00Z", "${data.servicestage_release_plan.orders.execute_time}ms")
    )
    # Components by release batch (seq), in API order.
    components = [for c in data.servicestage_release_plan.orders.components : "${c.seq}: ${c.name}"]
  }
}
