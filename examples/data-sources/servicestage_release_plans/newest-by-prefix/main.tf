# The newest release task whose name starts with orders-. The list is sorted
# newest first by create_time, so it is the first element; the postcondition
# turns "no such task" into a clear error instead of an index error.
data "servicestage_release_plans" "orders" {
  name_regex = "^orders-"

  lifecycle {
    postcondition {
      condition     = length(self.ids) > 0
      error_message = "No release task named orders-* in project ${self.project_id}."
    }
  }
}

locals {
  newest_orders = data.servicestage_release_plans.orders.release_plans[0]
}

# Its ID feeds the other data sources, here the components' deployment jobs.
data "servicestage_release_plan_deploy_info" "newest_orders" {
  release_plan_id = data.servicestage_release_plans.orders.ids[0]
}

output "newest_orders_release" {
  value = {
    id     = local.newest_orders.id
    name   = local.newest_orders.name
    status = local.newest_orders.status
    # Milliseconds since the Unix epoch as an RFC 3339 timestamp; create_time may be null.
    created = (
      local.newest_orders.create_time == null
      ? null
      : timeadd("1970-01-01T00:00:00Z", "${local.newest_orders.create_time}ms")
    )
    all_succeeded = data.servicestage_release_plan_deploy_info.newest_orders.all_succeeded
  }
}
