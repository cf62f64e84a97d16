"""Before students get an assignment: release/ from source/, answer keys, contents lines, the index of the
assignments, and the helpers one assignment hands out from another's solutions."""
