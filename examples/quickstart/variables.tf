variable "group_id" {
  description = "ID of the group that owns the group runner."
  type        = number
}

variable "project_id" {
  description = "ID of the project that owns the project runner."
  type        = number
}

variable "second_project" {
  description = "ID or full path of a second project the project runner is shared with."
  type        = string
}

variable "rotation" {
  description = "Bump to rotate the project runner's authentication token."
  type        = number
  default     = 1
}
