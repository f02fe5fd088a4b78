// C++ fixture: member functions declared (and some defined) inside classes and structs, a local class in a
// function, a namespace, and inlining across them. g++ places the concrete (code) DIEs of member functions
// outside the class DIEs; the symbolizer still walks class/struct DIEs in C++ units in case a producer doesn't.
namespace drv {
struct Ring {
  int head = 0;
  int slots[16] = {};
  int push(int v) {  // defined in the class: inline by default
    slots[head & 15] = v * 3;
    return ++head;
  }
  __attribute__((noinline)) int drain();
};

int Ring::drain() {
  int sum = 0;
  for (int i = 0; i < head && i < 16; i++) sum += slots[i];
  head = 0;
  return sum;
}

class Device {
 public:
  __attribute__((noinline)) int probe(int n) {
    struct Local {
      static int twice(int x) { return x * 2 + 1; }
    };
    for (int i = 0; i < n; i++) ring.push(Local::twice(i));
    return ring.drain();
  }

 private:
  Ring ring;
};
}  // namespace drv

volatile int sink;

int main(int argc, char **) {
  drv::Device d;
  sink = d.probe(argc + 4);
  return 0;
}
