// Keeps the controller library a valid target while its sources are still
// being written in parallel; delete once controller/ has real .cpp files.
