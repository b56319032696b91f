// Command chat is rpyc's demos/chat served from Go: clients log in with a
// user name, a password and a callback, get a token whose say(message)
// reaches every logged-in client's callback, and logout() (or leaving)
// says goodbye. The users are the demo's: foo/bar, spam/bacon,
// eggs/viking. rpyc's own demos/chat/client.pyw works against it
// unchanged:
//
//	go run ./examples/demos/chat      # listens on 127.0.0.1:19912
package main

import (
	"flag"
	"fmt"
	"os"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// users are the accounts of the Python demo.
var users = map[string]string{"foo": "bar", "spam": "bacon", "eggs": "viking"}

// room holds the logged-in tokens; its lock orders broadcasts, so every
// client sees the messages in the same order.
type room struct {
	mu     sync.Mutex
	tokens map[*UserToken]bool
}

// broadcast sends text to every token's callback without waiting
// (Python's rpyc.async_); a token whose client is gone is dropped.
func (r *room) broadcast(text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for t := range r.tokens {
		if t.callback.Conn().Closed() {
			delete(r.tokens, t)
			continue
		}
		t.callback.CallAsync(text)
	}
}

// UserToken is what login returns: the logged-in user's handle.
type UserToken struct {
	room     *room
	name     string
	callback *rpyc.Netref
	mu       sync.Mutex
	stale    bool
}

// Say sends a message to everyone, as "[name] message".
func (t *UserToken) Say(message string) error {
	t.mu.Lock()
	stale := t.stale
	t.mu.Unlock()
	if stale {
		return vinegar.New("ValueError", "User token is stale")
	}
	t.room.broadcast(fmt.Sprintf("[%s] %s", t.name, message))
	return nil
}

// Logout leaves the room and says goodbye to the others; a second call
// does nothing.
func (t *UserToken) Logout() {
	t.mu.Lock()
	if t.stale {
		t.mu.Unlock()
		return
	}
	t.stale = true
	t.mu.Unlock()
	t.room.mu.Lock()
	delete(t.room.tokens, t)
	t.room.mu.Unlock()
	t.room.broadcast(fmt.Sprintf("* Goodbye %s *", t.name))
}

// ChatService is one client's session; its name is CHAT.
type ChatService struct {
	room  *room
	mu    sync.Mutex
	token *UserToken
}

// Login checks the password and enters the room: everyone (this client
// too) hears "* Hello NAME *".
func (s *ChatService) Login(username, password string, callback *rpyc.Netref) (*UserToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != nil {
		s.token.mu.Lock()
		stale := s.token.stale
		s.token.mu.Unlock()
		if !stale {
			return nil, vinegar.New("ValueError", "already logged in")
		}
	}
	if pw, ok := users[username]; !ok || pw != password {
		return nil, vinegar.New("ValueError", "wrong username or password")
	}
	t := &UserToken{room: s.room, name: username, callback: callback}
	s.room.mu.Lock()
	s.room.tokens[t] = true
	s.room.mu.Unlock()
	s.room.broadcast(fmt.Sprintf("* Hello %s *", username))
	s.token = t
	return t, nil
}

// OnDisconnect logs the user out when the client leaves.
func (s *ChatService) OnDisconnect(*rpyc.Conn) {
	s.mu.Lock()
	t := s.token
	s.mu.Unlock()
	if t != nil {
		t.Logout()
	}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 19912)
	flag.Parse()
	r := &room{tokens: map[*UserToken]bool{}}
	// One ChatService per connection (Python instantiates the class per
	// connection), all sharing the room.
	svc := rpyc.ServiceFactory(func(*rpyc.Conn) any { return &ChatService{room: r} })
	os.Exit(demo.Run(&f, &server.Server{Service: svc, Logger: f.Logger()}))
}
