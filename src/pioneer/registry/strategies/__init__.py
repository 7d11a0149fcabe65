"""Regional strategies (区域重大战略) as data: members, source documents, task lists."""
