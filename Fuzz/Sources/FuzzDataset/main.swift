import CLibFuzzer
import Glibc
import TallyFuzzing

// libFuzzer's driver, with TallyFuzzing.DatasetFuzzing for every input.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in FuzzMain.testOneInput(DatasetFuzzing.self, data, size) })
