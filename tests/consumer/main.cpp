// Placeholder: to be replaced by a real model/CRUD program.
#include <ar/ar.hpp>

int main() { return 0; }
