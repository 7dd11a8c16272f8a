// Placeholder until the manager lands: keeps the build graph whole.
int main() { return 0; }
