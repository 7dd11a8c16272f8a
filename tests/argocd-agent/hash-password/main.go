// Command hash-password prints the bcrypt hash of the password read from
// stdin: the second half of an entry in the file upstream's principal reads
// with --auth=userpass:<file> ("<client-id>:<bcrypt hash>" per line,
// internal/auth/userpass at v0.9.0). Built from the same module, so the
// bcrypt implementation is the one the pinned principal verifies with.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(os.Stderr, "hash-password: no password on stdin")
		os.Exit(2)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		fmt.Fprintln(os.Stderr, "hash-password: empty password")
		os.Exit(2)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hash-password:", err)
		os.Exit(1)
	}
	fmt.Println(string(hash))
}
