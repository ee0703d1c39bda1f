#!/usr/bin/perl
# SpamAssassin's Received parser over a list of message files: each message
# is parsed and its relays extracted (Mail::SpamAssassin::Message::Metadata::
# Received, through extract_message_metadata), as SpamAssassin does for every
# message it scans. Prints: messages, relays found, seconds (parsing only;
# SpamAssassin's start-up is not counted).
use strict;
use warnings;
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;
use Time::HiRes qw(time);

my @files = map { chomp; $_ } <STDIN>;
my $sa = Mail::SpamAssassin->new({
    local_tests_only => 1,
    dont_copy_prefs => 1,
    userprefs_filename => '/dev/null',
    site_rules_filename => '/dev/null',
    rules_filename => '/dev/null',
    post_config_text => "internal_networks 10/8\n",
});
$sa->init(0);
my $relays = 0;
my $start = time();
for my $path (@files) {
    open(my $fh, '<:raw', $path) or die "$path: $!";
    local $/;
    my $text = <$fh>;
    close $fh;
    my $msg = $sa->parse($text, 1);
    my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
    $msg->extract_message_metadata($pms);
    $relays += scalar(@{ $msg->{metadata}->{relays_trusted} || [] }) + scalar(@{ $msg->{metadata}->{relays_untrusted} || [] });
    $pms->finish();
    $msg->finish();
}
printf "%d %d %.6f\n", scalar(@files), $relays, time() - $start;
