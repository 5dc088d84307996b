# Every release task named orders-*, with its components' deployment jobs.
# for_each needs the IDs while planning: they are known because the list is
# read during plan (none of its arguments is unknown and it has no depends_on).
# Reads run in parallel: set max_requests_per_second on the provider to stay
# under the account's API rate limit.
data "servicestage_release_plans" "orders" {
  name_regex = "^orders-"
}

data "servicestage_release_plan_deploy_info" "orders" {
  for_each = toset(data.servicestage_release_plans.orders.ids)

  release_plan_id = each.key
}

# A list keeps the newest-first order; names need not be unique, IDs are.
output "orders_releases" {
  value = [
    for p in data.servicestage_release_plans.orders.release_plans : {
      id                = p.id
      name              = p.name
      status            = p.status
      all_succeeded     = data.servicestage_release_plan_deploy_info.orders[p.id].all_succeeded
      failed_components = data.servicestage_release_plan_deploy_info.orders[p.id].failed_components
    }
  ]
}

output "failed_orders_releases" {
  value = [
    for p in data.servicestage_release_plans.orders.release_plans : p.name
    if length(data.servicestage_release_plan_deploy_info.orders[p.id].failed_components) > 0
  ]
}
