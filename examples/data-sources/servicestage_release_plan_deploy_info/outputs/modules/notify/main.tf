# A stand-in for a notification module: it only formats the message.
variable "release_plan_id" {
  description = "Release task the message is about."
  type        = string
}

variable "failed_components" {
  description = "Names of the components whose deployment or rollback failed."
  type        = list(string)
}

variable "component_versions" {
  description = "Version released, by component name."
  type        = map(string)
}

locals {
  released = join(", ", [for name, version in var.component_versions : "${name} ${version}"])
}

output "message" {
  value = (
    length(var.failed_components) == 0
    ? "Release ${var.release_plan_id}: ${local.released}."
    : "Release ${var.release_plan_id} FAILED for ${join(", ", var.failed_components)} (released: ${local.released})."
  )
}
