// Command hello is the start-up floor of a Go program on this machine: the
// classic hello-world. `make bench` compares `authdeck --version` with it.
package main

import "fmt"

func main() { fmt.Println("hello") }
