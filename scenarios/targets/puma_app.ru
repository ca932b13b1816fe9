# A Rack app, served by puma-target.sh (Puma, cluster mode): GET / answers 'Hello from worker',
# without naming the worker (no X-Worker-Pid, as a real app): forkcheck tells the serving worker
# from the kernel. Plain Rack: Puma parses it with its own builder, so the rack gem is not needed.
BODY = 'Hello from worker'

run(lambda do |env|
  if env['PATH_INFO'] == '/' || env['PATH_INFO'].to_s.empty?
    [200, { 'Content-Type' => 'text/plain', 'Content-Length' => BODY.bytesize.to_s }, [BODY]]
  else
    [404, { 'Content-Type' => 'text/plain', 'Content-Length' => '0' }, []]
  end
end)
