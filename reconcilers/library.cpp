// Keeps the reconcilers library a valid target while its sources are still
// being written in parallel; delete once reconcilers/ has real .cpp files.
